"""One API class per operation, grouped by domain; each module keeps the small input and
output serializers of its operations beside them."""
