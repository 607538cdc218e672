// Package sync is a stub for sprawl's single-file driver.
package sync

type Mutex struct{ state int32 }

func (m *Mutex) Lock()         {}
func (m *Mutex) Unlock()       {}
func (m *Mutex) TryLock() bool { return false }

type RWMutex struct{ w Mutex }

func (m *RWMutex) Lock()    {}
func (m *RWMutex) Unlock()  {}
func (m *RWMutex) RLock()   {}
func (m *RWMutex) RUnlock() {}

type Once struct{ done uint32 }

func (o *Once) Do(f func()) {}

func OnceFunc(f func()) func()                                 { return f }
func OnceValue[T any](f func() T) func() T                     { return f }
func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) { return f }

type Map struct{ m map[any]any }

func (m *Map) Load(key any) (value any, ok bool)                    { return nil, false }
func (m *Map) Store(key, value any)                                 {}
func (m *Map) LoadOrStore(key, value any) (actual any, loaded bool) { return nil, false }
func (m *Map) LoadAndDelete(key any) (value any, loaded bool)       { return nil, false }
func (m *Map) Delete(key any)                                       {}
func (m *Map) Swap(key, value any) (previous any, loaded bool)      { return nil, false }
func (m *Map) Range(f func(key, value any) bool)                    {}

type WaitGroup struct{ n int }

func (wg *WaitGroup) Add(delta int) {}
func (wg *WaitGroup) Done()         {}
func (wg *WaitGroup) Wait()         {}
