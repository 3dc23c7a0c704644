using Etl.Entities.Customers;
using Etl.Tests.Support;

namespace Etl.Tests.Entities.Customers;

public sealed class CustomersValidatorTests
{
    // customer_no, name, portal_account_id, approved, price_list, discount_group
    [TestCase("C-1", "Acme, Inc.", "P-100", "Y", "RETAIL", "G1", ExpectedResult = "")]
    [TestCase("C-1", "Acme", "", "N", "", "", ExpectedResult = "")]
    [TestCase("C-1", "{n200}", "P-100", "1", "RETAIL", "G1", ExpectedResult = "")]
    [TestCase("C-1", "{n201}", "P-100", "1", "RETAIL", "G1", ExpectedResult = "name:max_length")]
    [TestCase("C-1", "", "P-100", "1", "RETAIL", "G1", ExpectedResult = "name:required")]
    [TestCase("", "Acme", "P-100", "1", "RETAIL", "G1", ExpectedResult = "customer_no:required")]
    [TestCase("C-1", "Acme", "P-100", "", "RETAIL", "G1", ExpectedResult = "approved:required")]
    [TestCase("C-1", "Acme", "P-100", "maybe", "RETAIL", "G1", ExpectedResult = "approved:conversion")]
    [TestCase("C-1", "Acme", "{p41}", "1", "RETAIL", "G1", ExpectedResult = "portal_account_id:max_length")]
    [TestCase("C-1", "Acme", "P-100", "1", "{r41}", "G1", ExpectedResult = "price_list:max_length")]
    [TestCase("C-1", "Acme", "P-100", "1", "RETAIL", "{g41}", ExpectedResult = "discount_group:max_length")]
    public string Validate_Customers(string customer, string name, string account, string approved, string priceList, string group) =>
        Rows.Problems(CustomersEntity.Schema, customer, name, account, approved, priceList, group);
}
