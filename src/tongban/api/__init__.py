"""The versioned JSON API, assembled from each app's router."""
