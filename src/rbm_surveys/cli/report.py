"""`rbm report site`: the partners' platform, a static website from the register."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("report", help="publish results: the partners' website")
    rsub = p.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    site = rsub.add_parser("site", help="write the static, self-contained partners' site")
    site.add_argument("--register", help="the programme's register (default: "
                                         "rbm_register.sqlite here)")
    site.add_argument("--out", default="site", help="folder for the site")
    site.set_defaults(func=run_site)


def run_site(args) -> int:
    from rbm_surveys.register import DEFAULT_REGISTER, Register
    from rbm_surveys.report.site import write_site

    with Register.open(args.register or DEFAULT_REGISTER, create=False) as reg:
        index = write_site(reg, args.out)
    print(f"site written: {index.resolve().as_uri()}")
    return 0
