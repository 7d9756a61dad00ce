# staff: km messages.
