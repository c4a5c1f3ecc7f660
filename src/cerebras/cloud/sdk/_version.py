__title__ = "cerebras.cloud.sdk"
# `<official release whose surface this covers>+rewrite.<our release against that surface>`
# (PEP 440 local version); README "Versioning" explains the scheme. Keep in step with pyproject.toml.
__version__ = "1.91.0+rewrite.1"
