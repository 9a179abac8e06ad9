"""Detection: the span detector (a token classifier over wordpieces, loaded lazily from the shipped
weights), its chunking of a text, the document score and the rules that turn word probabilities
into spans."""
