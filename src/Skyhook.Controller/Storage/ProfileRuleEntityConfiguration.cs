using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class ProfileRuleEntityConfiguration : IEntityTypeConfiguration<ProfileRuleEntity>
{
    public void Configure(EntityTypeBuilder<ProfileRuleEntity> builder)
    {
        builder.ToTable("profile_rules");
        builder.HasIndex(r => new { r.ProfileId, r.Position }).IsUnique();
        builder.Property(r => r.Text).HasMaxLength(1000);
    }
}
