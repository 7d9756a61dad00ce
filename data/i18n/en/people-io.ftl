# people import and export: en messages.
