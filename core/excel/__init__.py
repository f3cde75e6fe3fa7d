"""The one Excel engine: sheet declarations by plugins, import and export by the core."""
