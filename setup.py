"""The package list of the one import name, found rather than typed (the rest is pyproject.toml).

pyproject.toml's package-dir maps the top-level folders schemas/, strategies/ and conformance/
into lotuspay_contract; setuptools' own discovery cannot add that prefix, so each package found
in a layer folder is named here under it. A new subpackage ships without an edit anywhere.
"""

from setuptools import find_packages, setup

LAYERS = ("schemas", "strategies", "conformance")

setup(
    packages=[
        "lotuspay_contract",
        *(
            f"lotuspay_contract.{name}"
            for name in find_packages(include=[*LAYERS, *(f"{layer}.*" for layer in LAYERS)])
        ),
    ]
)
