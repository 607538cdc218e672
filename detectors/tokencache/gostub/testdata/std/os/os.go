// Package os is a stub for sprawl's single-file driver.
package os

type FileMode uint32

type File struct{ name string }

func (f *File) Write(b []byte) (n int, err error)       { return 0, nil }
func (f *File) WriteString(s string) (n int, err error) { return 0, nil }
func (f *File) Read(b []byte) (n int, err error)        { return 0, nil }
func (f *File) Close() error                            { return nil }
func (f *File) Name() string                            { return "" }

const (
	O_RDONLY int = 0
	O_WRONLY int = 1
	O_RDWR   int = 2
	O_APPEND int = 1024
	O_CREATE int = 64
	O_TRUNC  int = 512
)

func ReadFile(name string) ([]byte, error)                         { return nil, nil }
func WriteFile(name string, data []byte, perm FileMode) error      { return nil }
func Create(name string) (*File, error)                            { return nil, nil }
func Open(name string) (*File, error)                              { return nil, nil }
func OpenFile(name string, flag int, perm FileMode) (*File, error) { return nil, nil }
func Getenv(key string) string                                     { return "" }
func LookupEnv(key string) (string, bool)                          { return "", false }
func UserHomeDir() (string, error)                                 { return "", nil }
func UserCacheDir() (string, error)                                { return "", nil }
func MkdirAll(path string, perm FileMode) error                    { return nil }
func Remove(name string) error                                     { return nil }
func Exit(code int)                                                {}

var Args []string
