"""Built-in instrument plugins, each found through its entry point."""
