package secrets

import "testing"

func TestIsPlaceholder(t *testing.T) {
	cases := []struct {
		secret string
		want   bool
	}{
		{"${DB_PASSWORD}", true},
		{"{{ .Values.token }}", true},
		{"jdbc-pass-${DB_PASSWORD}", true},
		{"${DB_PASSWORD:-local}", true},
		{"prefix-{{ secret }}-suffix", true},
		// A random salt may hold "${", "{{" or "}}" without being a template.
		{"k9$Qz}}w!e{{R7v#x${2", false},
		{"<your-api-key>", true},
		{"Bearer <token>", true},
		{"changeme", true},
		{"********", true},
		{"AKIAIOSFODNN7EXAMPLE", true},
		{"your_token_here", true},
		// Real-looking values with angle brackets are kept.
		{"p>ss<w0rd!Xy9", false},
		{"a<b>c", false}, // too short to be a hint
		{".dockercfg: >\n    eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsiYXV0aCI6Ik9uQT0ifX19", false},
		{"hunter2hunter2", false},
		{"ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", false},
		// Masked values; a long token with a short run of x is kept.
		{"sk_live_" + "xxxxxxxxxxxxxxxxxxxxxxxx", true},
		{"AKIA" + "****************", true},
		{"ghp_xxxxxxxxxx" + "aB3dE5fG7h", true},
		{"fm2_1234xxxxxx567890" + "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA0123456789", false},
	}
	for _, c := range cases {
		if got := isPlaceholder(c.secret); got != c.want {
			t.Errorf("isPlaceholder(%q) = %v, want %v", c.secret, got, c.want)
		}
	}
}
