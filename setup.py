"""Packaging details pyproject.toml cannot express: the top-level `resources/` folder (icons,
styles, example projects) ships inside the wheel as the package `studio.resources`."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["studio", "studio.*"]), "studio.resources"],
    package_dir={"studio.resources": "resources"},
    package_data={"studio": ["py.typed"], "studio.resources": ["**/*"]},
    exclude_package_data={"studio.resources": ["**/__pycache__/*", "**/.lg-studio/**"]},
)
