# people import and export: km messages.
