import time, sys, collections
from conformance.specs import load_spec
from conformance.profiles import resolve_profile
from conformance.registry import load_checks
from conformance.nodes import walk
from conformance.registry import CheckContext
t=time.time(); doc=load_spec(sys.argv[1]); print('load', round(time.time()-t,2))
t=time.time(); nodes=list(walk(doc)); print('walk', round(time.time()-t,2), len(nodes))
checks=load_checks(); prof=resolve_profile('vn-full')
tm=collections.Counter()
for r in prof.rules.values():
    if r.kind.value!='static' or r.check=='openapi_structure': continue
    ctx=CheckContext(options=r.options, rule_id=r.id, doc=doc)
    f=checks[r.check].func
    t=time.time()
    for n in nodes:
        if n.kind==r.target: list(f(n,ctx))
    tm[r.id]=time.time()-t
for k,v in tm.most_common(12): print(k, round(v,2))
print('total rules', round(sum(tm.values()),2))
