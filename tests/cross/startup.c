/* startup.c - the reset vector of the test image: copy .data, clear .bss,
 * open the semihosting console, run main and hand its status to exit(),
 * which semihosting reports to QEMU as the emulator's exit status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start__, __bss_end__, __stack_top;
extern int main(void);
extern void initialise_monitor_handles(void);

void reset_handler(void);
void fault_handler(void);
/* newlib calls these around main when linked without its start files */
void _init(void);
void _fini(void);

void _init(void) {}
void _fini(void) {}

void reset_handler(void)
{
    memcpy(&__data_start, &__data_load, (size_t)((char *)&__data_end - (char *)&__data_start));
    memset(&__bss_start__, 0, (size_t)((char *)&__bss_end__ - (char *)&__bss_start__));
    initialise_monitor_handles();
    exit(main());
}

/* A fault ends the run as a failure instead of spinning silently. */
void fault_handler(void) { _Exit(3); }

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&__stack_top, reset_handler, fault_handler, fault_handler,
    fault_handler, fault_handler, fault_handler,
};
