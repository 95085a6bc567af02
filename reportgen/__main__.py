"""`python -m reportgen` runs the command-line interface."""

from reportgen.cli import entry

if __name__ == "__main__":
    entry()
