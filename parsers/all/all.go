// Package all registers every log parser extriage has; import it for its
// side effect.
package all

import ()
