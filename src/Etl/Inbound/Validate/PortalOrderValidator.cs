using FluentValidation;

namespace Etl.Inbound.Validate;

/// <summary>
/// What an order must be to reach the ERP (CONTRACTS.md section 5, step 4): lines present, quantities positive
/// whole numbers, SKUs the ERP's items know, prices not negative, a currency.
/// </summary>
public sealed class PortalOrderValidator : AbstractValidator<PortalOrder>
{
    /// <summary>Creates the validator for the SKUs the ERP knows.</summary>
    public PortalOrderValidator(IReadOnlySet<string> knownSkus)
    {
        RuleFor(o => o.Currency).NotEmpty().WithErrorCode("currency").WithMessage("the order has no currency");
        RuleFor(o => o.Lines).NotEmpty().WithErrorCode("no_lines").WithMessage("the order has no lines");
        RuleForEach(o => o.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l.Qty).Must(q => q > 0 && q == decimal.Truncate(q)).WithErrorCode("quantity")
                .WithMessage(l => $"line {l.LineNo}: quantity {l.Qty} must be a whole number above 0");
            line.RuleFor(l => l.Sku).Must(s => s is not null && knownSkus.Contains(s)).WithErrorCode("unknown_sku")
                .WithMessage(l => $"line {l.LineNo}: SKU '{l.Sku}' is not an ERP item");
            line.RuleFor(l => l.UnitPrice).GreaterThanOrEqualTo(0).WithErrorCode("price")
                .WithMessage(l => $"line {l.LineNo}: unit price {l.UnitPrice} is negative");
        });
    }
}
