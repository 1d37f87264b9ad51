package search

func key() string {
	searchApiKey := "sk9Qw3Lm7" + "Xv2Tb8Nz4"
	return searchApiKey
}
