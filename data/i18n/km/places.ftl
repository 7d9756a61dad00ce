# places: km messages.
