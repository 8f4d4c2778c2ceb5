"""Pure ranking functions (no I/O): each score comes with the reasons behind it."""
