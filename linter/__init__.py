"""pacsguard: finds exposed NAS and PACS services in the files that deploy them."""

__version__ = "0.1.0"
