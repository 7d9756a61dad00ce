# clinic: km messages.
