__title__ = "cerebras.cloud.sdk"
__version__ = "0.1.0"
