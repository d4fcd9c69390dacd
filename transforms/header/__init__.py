"""The header reader: a page's title, outlet and date, chosen among candidates by a learned model.

`candidates` lists, for one article page, every line that may be its headline, every outlet name it
prints, and every date it shows, each described by the same features on every page (`features`);
`model` scores them with the weights trained from the annotated pages (`header_model.json`, made by
`zhnews train-header`) and picks the best of each field. The layouts' rule-based reading is one of
the features, not the decision.
"""
