// The docs/demo.md flow (section 2) written against the client openapi-typescript generates from
// the API's OpenAPI document (generated/schema.d.ts). OpenApiContractTests type-checks it;
// Exchange.Contract.Tests also runs it (run-flow.ts) against the running Identity and Api. It
// must work unmodified: a route, parameter, header or schema the document gets wrong breaks it.
import createClient from "openapi-fetch";
import type { paths, components } from "./generated/schema";

type CaseDto = components["schemas"]["CaseDto"];

export async function flow(api: string, acmeToken: string, globexToken: string): Promise<CaseDto> {
  const acme = createClient<paths>({ baseUrl: api, headers: { Authorization: `Bearer ${acmeToken}` } });
  const globex = createClient<paths>({ baseUrl: api, headers: { Authorization: `Bearer ${globexToken}` } });
  const auth = await acme.POST("/api/v1/customer-authorisations", {
    body: {
      customerOrganisation: "Umbrella Retail BV",
      authorisedBy: { name: "Uma Ubbink", role: "IT manager", email: "uma@umbrella.example" },
      receivingMemberIds: ["globex"], purpose: "Diagnose the printer driver crash", captureMethod: "email", evidenceReference: "CRM-4711",
      dataCategories: ["technical", "organisation", "contact"], expiresAt: new Date(Date.now() + 30 * 86400000).toISOString(),
    },
  });
  if (!auth.data) throw new Error(`authorisation: ${auth.error?.code}`);
  const created = await acme.POST("/api/v1/cases", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: {
      receivingMemberId: "globex", customerAuthorisationId: auth.data.id, severity: 2, submitterCaseReference: "ACME-1001",
      fields: {
        summary: "Driver crashes on print", product: "LaserJet X", productVersion: "4.2", customerOrganisation: "Umbrella Retail BV",
        customerContactName: "Uma Ubbink", customerContactPhone: "+31 20 555 0100",
      },
    },
  });
  if (!created.data) throw new Error(`case: ${created.error?.code}`);
  const id = created.data.id;
  if (!created.data.withheldFields.some((w) => w.field === "customerContactPhone" && w.reason === "not_accepted_by_receiver")) {
    throw new Error("customerContactPhone was not withheld");
  }
  const inbox = await globex.GET("/api/v1/cases", { params: { query: { box: "inbox" } } });
  if (!inbox.data?.items.some((c) => c.id === id)) throw new Error("the case is not in globex's inbox");
  const read = await globex.GET("/api/v1/cases/{id}", { params: { path: { id } } });
  const accepted = await globex.POST("/api/v1/cases/{id}/accept", {
    params: { path: { id }, header: { "If-Match": read.response.headers.get("ETag") ?? "" } },
    body: { receiverCaseReference: "GLX-77" },
  });
  if (accepted.data?.status !== "accepted") throw new Error(`accept: ${accepted.error?.code}`);
  const note = await globex.POST("/api/v1/cases/{id}/notes", { params: { path: { id } }, body: { body: "Reproduced with driver 4.2; testing 4.3" } });
  if (!note.data) throw new Error(`note: ${note.error?.code}`);
  // The note changed the case: resolve with its current ETag.
  const current = await globex.GET("/api/v1/cases/{id}", { params: { path: { id } } });
  const resolved = await globex.POST("/api/v1/cases/{id}/resolve", {
    params: { path: { id }, header: { "If-Match": current.response.headers.get("ETag") ?? "" } },
    body: { stepsTaken: "Updated the driver", conclusion: "Fixed in 4.3" },
  });
  if (resolved.data?.status !== "resolved") throw new Error(`resolve: ${resolved.error?.status} ${resolved.error?.code}`);
  return resolved.data;
}
