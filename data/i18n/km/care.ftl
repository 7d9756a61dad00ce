# care: km messages.
