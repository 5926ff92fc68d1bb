/* session.c - placeholder */
#include "cross.h"
void cross_session(int *passed, int *failed) { (void)passed; (void)failed; }
