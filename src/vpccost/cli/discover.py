"""`vpccost discover`: the topology read from AWS (read-only), written as a topology file."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from vpccost.cli.options import OutputOption, parse_regions
from vpccost.cli.output import check_outputs, emit, fail, run, say, warn

if TYPE_CHECKING:
    from vpccost.aws.discovery import Discovery, ProgressCallback


def discover_command(
    profile: Annotated[
        list[str] | None,
        typer.Option(help="AWS profile of an account to read (repeatable; default: the default credentials)."),
    ] = None,
    role_arn: Annotated[
        list[str] | None,
        typer.Option(help="Role to assume in another account, from the first profile's credentials (repeatable)."),
    ] = None,
    regions: Annotated[
        str | None, typer.Option(help="Comma-separated regions (default: every region enabled in each account).")
    ] = None,
    workload_interfaces: Annotated[
        bool,
        typer.Option(
            "--workload-interfaces",
            help="List every ENI, not only NAT gateways, endpoints, TGW attachments and load balancers.",
        ),
    ] = False,
    output: OutputOption = None,
) -> None:
    """Read VPCs, subnets, route tables, peerings, transit gateways, endpoints, NAT gateways, ENIs and flow logs
    from AWS and write them as a topology file (YAML; JSON when --output ends in .json)."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.aws.discovery import discover
    from vpccost.inputs.topology import topology_json, topology_yaml

    wanted = None if regions is None else run(lambda: parse_regions(regions))
    check_outputs({"--output": output})
    found = _with_progress(
        lambda progress: discover(
            *(profile or []),
            role_arns=role_arn or [],
            regions=wanted,
            progress=progress,
            workload_interfaces=workload_interfaces,
        )
    )
    for warning in found.warnings:
        warn(warning)
    if not found.found_anything:
        fail("nothing could be discovered (see the warnings above); no file written")
    topology = found.topology
    say(
        f"discovered {len(topology.vpcs)} VPCs, {len(topology.peering_connections)} peering connections, "
        f"{len(topology.transit_gateways)} transit gateways and {len(topology.flow_logs)} flow logs in "
        f"{found.regions_read} account-regions of {', '.join(found.accounts)}"
        + (f"; {_count(len(found.warnings), 'warning')} (recorded under discovery_warnings)" if found.warnings else "")
    )
    comment = f"vpccost discover: accounts {', '.join(found.accounts)}"
    if output is not None and output.suffix.lower() == ".json":
        emit(topology_json(topology), output)
    else:
        emit(topology_yaml(topology, comment=comment), output)


def register(app: typer.Typer) -> None:
    app.command(
        "discover",
        epilog="Example: vpccost discover --profile network-readonly "
        "--role-arn arn:aws:iam::222222222222:role/audit --regions us-east-1,eu-west-1 --output topology.yaml",
    )(discover_command)


def _with_progress(run: Callable[[ProgressCallback], Discovery]) -> Discovery:
    """A progress bar on stderr while `run(progress)` reads the accounts and regions."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("discovering"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        return run(progress)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
