# places: en messages.
