"""`python -m vpccost.cli`: the same as the `vpccost` command."""

from vpccost.cli import main

main()
