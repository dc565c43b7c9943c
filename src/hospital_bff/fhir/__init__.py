"""A FHIR R4 front door under /fhir (docs/fhir.md) for other hospital systems and regional
platforms: the same services, rules and tokens as the GraphQL API, spoken as FHIR.

The models are fhir.resources' R4B package (FHIR 4.3, the R4 family: every resource served
here has the R4 shape). Every answer is built from those models and serialised by them, so
nothing leaves that does not validate. No business lives here: reads and operations call
`services/*`, as the GraphQL resolvers do.

- `outcomes`: errors as OperationOutcome with the contract's codes, and their HTTP status.
- `mapping`: our rows and the HIS's DTOs as FHIR resources; FHIR ids and references back.
- `capability`: what is served (one table) as the CapabilityStatement, and SMART discovery.
- `reads`: read and search of the resources.
- `scheduling`: Appointment $find, $hold, $book (booking, paying, cancelling).
- `app`: the routes, bearer tokens, content negotiation and request limits.
"""
