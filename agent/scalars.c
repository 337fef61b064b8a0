/* scalars.c: per-object scalar registrations that answer through one value function. */
#include "scalars.h"

#include <string.h>

static int scalar_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lw_scalars *s = reg->my_reg_void;
	const struct lw_agent *agent = handler->myvoid;

	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		/* The instance helper has checked the name is base.<subid>.0. */
		unsigned subid = (unsigned)r->requestvb->name[s->base_len];

		if (s->value(agent, subid, r->requestvb) != 0)
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
	}
	return SNMP_ERR_NOERROR;
}

int lw_scalars_register(struct lw_scalars *s, const char *name, const oid *base, size_t base_len,
			unsigned first, unsigned last, lw_scalar_value_fn *value,
			struct lw_agent *agent)
{
	memset(s, 0, sizeof(*s));
	s->value = value;
	s->base_len = base_len;
	for (unsigned subid = first; subid <= last && s->n < LW_SCALARS_MAX; subid++) {
		oid full[MAX_OID_LEN];
		netsnmp_handler_registration *reg;

		memcpy(full, base, base_len * sizeof(oid));
		full[base_len] = subid;
		reg = netsnmp_create_handler_registration(name, scalar_handler, full, base_len + 1,
							  HANDLER_CAN_RONLY);
		if (reg == NULL)
			return -1;
		reg->handler->myvoid = agent;
		reg->my_reg_void = s;
		s->regs[s->n++] = reg;
		if (netsnmp_register_scalar(reg) != MIB_REGISTERED_OK)
			return -1;
	}
	return 0;
}

void lw_scalars_unregister(struct lw_scalars *s)
{
	for (size_t i = 0; i < s->n; i++)
		netsnmp_unregister_handler(s->regs[i]);
	memset(s, 0, sizeof(*s));
}
