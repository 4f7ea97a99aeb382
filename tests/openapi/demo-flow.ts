// The docs/demo.md flow written against the client openapi-typescript generates from the API's
// OpenAPI document (generated/schema.d.ts, made by OpenApiContractTests). It must type-check
// unmodified: a route, parameter, header or schema the document gets wrong breaks the build.
import createClient from "openapi-fetch";
import type { paths, components } from "./generated/schema";

type CaseDto = components["schemas"]["CaseDto"];

export async function flow(api: string, acmeToken: string, globexToken: string): Promise<CaseDto> {
  const acme = createClient<paths>({ baseUrl: api, headers: { Authorization: `Bearer ${acmeToken}` } });
  const globex = createClient<paths>({ baseUrl: api, headers: { Authorization: `Bearer ${globexToken}` } });
  const auth = await acme.POST("/api/v1/customer-authorisations", {
    body: {
      customerOrganisation: "Contoso", authorisedBy: { name: "Carla", role: "IT", email: "c@contoso.example" },
      receivingMemberIds: ["globex"], purpose: "Diagnose", captureMethod: "email", evidenceReference: "CRM-1",
      dataCategories: ["technical", "organisation"], expiresAt: new Date(Date.now() + 86400000).toISOString(),
    },
  });
  if (!auth.data) throw new Error(auth.error?.code);
  const created = await acme.POST("/api/v1/cases", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { receivingMemberId: "globex", customerAuthorisationId: auth.data.id, severity: 2, submitterCaseReference: "A-1",
      fields: { summary: "Printer crash", product: "ERP" } },
  });
  if (!created.data) throw new Error(created.error?.code);
  const inbox = await globex.GET("/api/v1/cases", { params: { query: { box: "inbox" } } });
  const read = await globex.GET("/api/v1/cases/{id}", { params: { path: { id: created.data.id } } });
  const etag = read.response.headers.get("ETag") ?? "";
  const accepted = await globex.POST("/api/v1/cases/{id}/accept", { params: { path: { id: created.data.id }, header: { "If-Match": etag } }, body: {} });
  await globex.POST("/api/v1/cases/{id}/notes", { params: { path: { id: created.data.id } }, body: { body: "Looking into it" } });
  const resolved = await globex.POST("/api/v1/cases/{id}/resolve", {
    params: { path: { id: created.data.id }, header: { "If-Match": accepted.response.headers.get("ETag") ?? "" } },
    body: { stepsTaken: "Updated driver", conclusion: "Fixed" },
  });
  if (!resolved.data) throw new Error(`${resolved.error?.status} ${resolved.error?.code} ${inbox.data?.items.length}`);
  return resolved.data;
}
