"""reportgen: one self-contained HTML report from the runs of hyperparameter sweeps."""

__version__ = "0.1.0"
