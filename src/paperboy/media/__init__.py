"""Pictures from our own origin: thumbnails and avatars copied once, initials when there is no copy."""
