"""Integrations with corpus tools (datatrove, Hugging Face datasets, ...): each module imports its
library when it is itself imported, and none is imported by ``restore`` or the CLI
(``pip install 'restore-spun[scale]'`` installs the libraries)."""
