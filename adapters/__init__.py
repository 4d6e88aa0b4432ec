"""Platform adapters: translate chat and terminal events into engine calls and back."""
