"""``python -m assistant`` runs the CLI."""

from assistant.cli import main

if __name__ == "__main__":
    main()
