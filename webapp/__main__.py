"""`python -m webapp …` does what the `lifelong` console script does."""

from webapp.cli import main

main()
