// Who a service key is in the audit log: the system acting for the key, named by it.
import type { AuditActor } from "../audit/append";
import type { ServiceCaller } from "../keys/service-keys";

export const keyActor = (service: ServiceCaller): AuditActor => ({ type: "system", id: `service_key:${service.name}` });
