"""The ontology (alliance.ttl), the SHACL shapes (shapes.ttl) and the JSON-LD context, shipped as
package data of `alliance_kg.ontology` so that an installed wheel builds a corpus without this tree."""
