"use client";
// The logged-in staff member, for showing only what their role may do (the server checks again).
import { createContext, useContext, type ReactNode } from "react";
import type { StaffIdentity } from "@/server/staff/accounts";
import { hasRole, type Role } from "@/server/staff/roles";

const StaffContext = createContext<StaffIdentity | null>(null);

export function StaffProvider({ staff, children }: { staff: StaffIdentity; children: ReactNode }) {
  return <StaffContext.Provider value={staff}>{children}</StaffContext.Provider>;
}

export function useStaff(): StaffIdentity {
  const staff = useContext(StaffContext);
  if (!staff) throw new Error("useStaff outside the console layout");
  return staff;
}

export function useCan(role: Role): boolean {
  return hasRole(useStaff().role, role);
}
