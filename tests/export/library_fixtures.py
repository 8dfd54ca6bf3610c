"""Small draw.io diagrams drawn with the cloud libraries' real shape names (issue 19).

Each is the same architecture in one library's shapes: a region holding two zones, a
scaling group drawn across both zones with one instance in each, a load balancer, a
database in the first zone, a function and object storage. The styles are the ones
draw.io's sidebars insert (Sidebar-AWS4.js, Sidebar-Azure2.js images, Sidebar-GCP2.js
hexagon icons and cards, Sidebar-IBM.js icons and boxes, Sidebar-Kubernetes.js icons).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Diagram:
    """Cells in document order; ``xml()`` wraps them in an uncompressed .drawio file."""

    cells: list[str] = field(default_factory=list)

    def box(self, cid: str, label: str, style: str, x: float, y: float, w: float, h: float,
            parent: str = "1") -> None:
        self.cells.append(
            f'<mxCell id="{cid}" value="{label}" style="{style}" vertex="1" parent="{parent}">'
            f'<mxGeometry x="{x}" y="{y}" width="{w}" height="{h}" as="geometry"/></mxCell>')

    def icon(self, cid: str, label: str, style: str, x: float, y: float,
             parent: str = "1", size: float = 78) -> None:
        self.box(cid, label, style, x, y, size, size, parent)

    def card(self, cid: str, label: str, icon_style: str, x: float, y: float,
             parent: str = "1") -> None:
        """A GCP card: a plain box holding its icon as a relative child (the label on it)."""
        self.box(cid, "", "strokeColor=#dddddd;shadow=1;strokeWidth=1;rounded=1;", x, y, 150, 60,
                 parent)
        self.cells.append(
            f'<mxCell id="{cid}-icon" value="{label}" style="{icon_style};part=1;" vertex="1" '
            f'parent="{cid}"><mxGeometry y="0.5" width="44" height="39" relative="1" '
            f'as="geometry"><mxPoint x="5" y="-19.5" as="offset"/></mxGeometry></mxCell>')

    def edge(self, cid: str, source: str, target: str, style: str = "endArrow=block;",
             label: str = "") -> None:
        self.cells.append(
            f'<mxCell id="{cid}" value="{label}" style="edgeStyle=orthogonalEdgeStyle;{style}" '
            f'edge="1" parent="1" source="{source}" target="{target}">'
            f'<mxGeometry relative="1" as="geometry"/></mxCell>')

    def xml(self, name: str) -> str:
        body = "".join(self.cells)
        return (f'<mxfile host="app.diagrams.net"><diagram id="p1" name="{name}"><mxGraphModel>'
                f'<root><mxCell id="0"/><mxCell id="1" parent="0"/>{body}</root>'
                f"</mxGraphModel></diagram></mxfile>\n")


def _layout(d: Diagram, region: tuple[str, str], outer: tuple[str, str] | None,
            zones: tuple[tuple[str, str], tuple[str, str]], spread: tuple[str, str],
            instance: str, lb: str, db: str, fn: str, store: str,
            db_card: bool = False) -> None:
    """Region (1100 x 520) > [outer group] > two zones side by side; the scaling group is
    drawn across both zones (not holding the instances, as people draw it); the database
    sits in the first zone, the load balancer, function and storage in the region."""
    d.box("region", region[0], region[1], 0, 0, 1100, 520)
    inner = "region"
    if outer is not None:
        d.box("outer", outer[0], outer[1], 20, 40, 860, 460, "region")
        inner = "outer"
    d.box("za", zones[0][0], zones[0][1], 20, 40, 380, 400, inner)
    d.box("zb", zones[1][0], zones[1][1], 440, 40, 380, 400, inner)
    d.icon("web-a", "Web A", instance, 150, 150, "za")
    d.icon("web-b", "Web B", instance, 150, 150, "zb")
    if db_card:
        d.card("db", "Orders DB", db, 120, 290, "za")
    else:
        d.icon("db", "Orders DB", db, 150, 290, "za")
    d.box("asg", spread[0], spread[1], 140, 170, 600, 120, inner)  # over both zones
    d.icon("lb", "Front LB", lb, 900, 20, "region")
    d.icon("fn", "Thumbnailer", fn, 920, 300, "region")
    d.icon("store", "Images", store, 920, 160, "region")
    d.edge("e1", "lb", "web-a")
    d.edge("e2", "lb", "web-b")
    d.edge("e3", "web-a", "db")
    d.edge("e4", "web-b", "db", label="SQL")
    d.edge("e5", "store", "web-a", "endArrow=none;startArrow=none;")  # undirected, drawn backwards
    d.edge("e6", "web-b", "fn", "endArrow=block;startArrow=block;")  # both ends: kept as drawn
    d.edge("e7", "fn", "store")


AWS_ICON = ("sketch=0;outlineConnect=0;fontColor=#232F3E;fillColor=#ED7100;strokeColor=#ffffff;"
            "dashed=0;verticalLabelPosition=bottom;verticalAlign=top;align=center;html=1;"
            "fontSize=12;aspect=fixed;shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.")
AWS_GROUP = ("points=[[0,0],[1,1]];outlineConnect=0;gradientColor=none;html=1;whiteSpace=wrap;"
             "fontSize=12;container=1;pointerEvents=0;collapsible=0;recursiveResize=0;"
             "shape=mxgraph.aws4.")


def aws() -> str:
    d = Diagram()
    _layout(
        d,
        ("eu-west-1", AWS_GROUP + "group;grIcon=mxgraph.aws4.group_region;strokeColor=#00A4A6;"
                      "fillColor=none;verticalAlign=top;align=left;dashed=1;"),
        ("VPC", AWS_GROUP + "group;grIcon=mxgraph.aws4.group_vpc2;strokeColor=#8C4FFF;"
                "fillColor=none;verticalAlign=top;align=left;"),
        (("Availability Zone A", "fillColor=none;strokeColor=#147EBA;dashed=1;verticalAlign=top;"),
         ("Availability Zone B", "fillColor=none;strokeColor=#147EBA;dashed=1;verticalAlign=top;")),
        ("Web tier", AWS_GROUP + "groupCenter;grIcon=mxgraph.aws4.group_auto_scaling_group;"
                     "grStroke=1;strokeColor=#D86613;fillColor=none;dashed=1;"),
        AWS_ICON + "ec2;", AWS_ICON + "elastic_load_balancing;", AWS_ICON + "rds;",
        AWS_ICON + "lambda;", AWS_ICON + "s3;")
    return d.xml("AWS web app")


AZ_IMG = "image;aspect=fixed;html=1;points=[];align=center;fontSize=12;image=img/lib/azure2/"


def azure() -> str:
    d = Diagram()
    _layout(
        d, ("West Europe region", "rounded=1;dashed=0;fillColor=none;verticalAlign=top;"),
        ("Production VNet", "fillColor=none;strokeColor=#0078D4;verticalAlign=top;"),
        (("Availability Zone 1", "dashed=1;fillColor=none;verticalAlign=top;"),
         ("Availability Zone 2", "dashed=1;fillColor=none;verticalAlign=top;")),
        ("VM Scale Set", "dashed=1;fillColor=none;strokeColor=#D86613;verticalAlign=top;"),
        AZ_IMG + "compute/Virtual_Machine.svg;", AZ_IMG + "networking/Load_Balancers.svg;",
        AZ_IMG + "databases/SQL_Database.svg;", AZ_IMG + "compute/Function_Apps.svg;",
        AZ_IMG + "storage/Storage_Accounts.svg;")
    return d.xml("Azure web app")


GCP_HEX = ("sketch=0;html=1;fillColor=#5184F3;strokeColor=none;verticalAlign=top;"
           "labelPosition=center;verticalLabelPosition=bottom;align=center;"
           "shape=mxgraph.gcp2.hexIcon;prIcon=")
GCP_ZONE = ("rounded=1;absoluteArcSize=1;arcSize=2;html=1;strokeColor=none;gradientColor=none;"
            "fontSize=12;fontColor=#9E9E9E;align=left;verticalAlign=top;spacing=10;")


def gcp() -> str:
    d = Diagram()
    _layout(
        d, ("us-central1", GCP_ZONE + "fillColor=#ECEFF1;"),
        ("Project Zone", GCP_ZONE + "fillColor=#F6F6F6;"),  # "zone" in the label but a project
        (("us-central1-a", GCP_ZONE + "fillColor=#FFF3E0;"),
         ("us-central1-b", GCP_ZONE + "fillColor=#FFF3E0;")),
        ("Managed instance group", GCP_ZONE + "fillColor=#F9FBE7;"),
        GCP_HEX + "compute_engine", GCP_HEX + "cloud_load_balancing", GCP_HEX + "cloud_sql",
        GCP_HEX + "cloud_functions", GCP_HEX + "cloud_storage", db_card=True)
    return d.xml("GCP web app")


IBM_IMG = ("aspect=fixed;perimeter=ellipsePerimeter;html=1;align=center;shadow=0;dashed=0;"
           "fontColor=#4277BB;image;image=img/lib/ibm/")
IBM_BOX = ("shape=mxgraph.ibm.box;fontStyle=0;verticalAlign=top;align=left;spacingLeft=32;"
           "fillColor=none;rounded=0;whiteSpace=wrap;html=1;container=1;collapsible=0;prType=")


def ibm() -> str:
    d = Diagram()
    _layout(
        d, ("Dallas", IBM_BOX + "region;"), ("VPC", IBM_BOX + "vpc;"),
        (("Dallas 1", IBM_BOX + "zone;"), ("Dallas 2", IBM_BOX + "zone;")),
        ("Instance Group", "fontStyle=0;verticalAlign=top;align=center;fillColor=none;"
                           "strokeColor=#00882B;strokeWidth=2;dashed=1;container=0;"),
        IBM_IMG + "vpc/Instance.svg;", IBM_IMG + "vpc/LoadBalancer.svg;",
        IBM_IMG + "miscellaneous/cloudant.svg;", IBM_IMG + "miscellaneous/openwhisk.svg;",
        IBM_IMG + "vpc/ObjectStorage.svg;")
    d.icon("user", "Customers", IBM_IMG + "users/user.svg;", -200, 100)  # drawn: no guess
    d.edge("e0", "user", "lb")
    return d.xml("IBM web app")


K8S = ("html=1;dashed=0;whitespace=wrap;fillColor=#2875E2;strokeColor=#ffffff;"
       "shape=mxgraph.kubernetes.icon;prIcon=")


def kubernetes() -> str:
    d = Diagram()
    _layout(
        d, ("Region europe-west4", "rounded=1;fillColor=none;verticalAlign=top;"),
        ("Namespace shop", "dashed=1;fillColor=none;verticalAlign=top;"),
        (("Zone a", "dashed=1;fillColor=none;verticalAlign=top;"),
         ("Zone b", "dashed=1;fillColor=none;verticalAlign=top;")),
        ("Node pool web", "dashed=1;fillColor=none;strokeColor=#326CE5;verticalAlign=top;"),
        K8S + "pod", K8S + "ing", K8S + "sts", K8S + "job", K8S + "pv")
    return d.xml("Kubernetes web app")


ALL = {"aws": aws, "azure": azure, "gcp": gcp, "ibm": ibm, "kubernetes": kubernetes}
