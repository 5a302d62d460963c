"""tongban (通办): a one-network government services platform."""
