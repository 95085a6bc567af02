"""`python -m reportgen` runs the command-line interface."""

from reportgen.cli import main

if __name__ == "__main__":
    main()
