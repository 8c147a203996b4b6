"""Connection options: the one place a routing or metering rule is written.

Each module declares one way a subject's flows are carried (`options.base` says what a declaration holds). By
subject, with the names a mix, `breakeven --options` and the optimizer's decisions use:

- a VPC pair: `peering`, `transit-gateway`, `privatelink`, `nat` (over public addresses: `nat_public`),
  `sharing` (`shared_vpc`);
- a (VPC, AWS service in its region): `nat` (its own NAT gateways: `own_nat`), `gateway-endpoint`,
  `interface-endpoint`, `central-endpoint`;
- a VPC's internet traffic: `nat` (`own_nat`); IPv6 and connections opened from outside go straight through
  the internet gateways (`egress_only_igw`).

`intra_vpc` is what every design pays inside one VPC; `transfer` holds the transfer rules every option shares.
Designs and mixes (`vpccost.designs`), the optimizer, break-even and the service-access comparison all read
these declarations; none writes a rule of its own. A new option is one module plus its line in
`options.registry`.
"""
