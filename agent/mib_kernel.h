/* mib_kernel.h: the lwKernel definitions: lwKernelMemory, slab, zone and buddy tables, lwVmstat. */
#ifndef LW_MIB_KERNEL_H
#define LW_MIB_KERNEL_H

#include "mibtree.h"

/* Objects an alarm's lwAlarmObjectId names (the definitions use the same names). */
enum {
	LW_KMEM_SUNRECLAIM = 3,     /* lwKernelMemory */
	LW_SLAB_TOTAL_BYTES = 9,    /* lwSlabEntry */
};

int lw_mib_kernel_add(struct lw_mibtree *t);

#endif
