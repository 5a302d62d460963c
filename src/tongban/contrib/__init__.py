"""Systems outside the platform, behind small interfaces: the SMS gateway and the government
registries (population, exit-entry, legal entities). The platform reaches each over HTTP
at a configured address; `standins/` is a real local server that answers like them, for
the demo and the tests."""
