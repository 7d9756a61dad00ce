# staff: en messages.
